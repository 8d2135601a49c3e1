# Sanad build.  `make` builds build/sanad; `make check` builds and runs every
# test (unit, CLI end-to-end); `make asan` runs the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer; `make fuzz` builds the
# libFuzzer harnesses (clang).  Sources are found by wildcard, so adding a
# file under src/<module>/ or tests/<module>/ needs no edit here.

CC ?= cc
BUILD ?= build
OPT ?= -O2
PKGS = sqlite3 jansson libsodium libxml-2.0 libutf8proc
CFLAGS_BASE = -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -Wall -Wextra -Werror \
	-Wno-missing-field-initializers -g $(OPT) -Isrc -I$(BUILD)/gen \
	$(shell pkg-config --cflags $(PKGS))
CFLAGS += $(CFLAGS_BASE) $(EXTRA_CFLAGS)
LDLIBS = $(shell pkg-config --libs $(PKGS)) -lcsv -lm -lpthread
LDFLAGS += $(EXTRA_LDFLAGS)

LIB_SRC := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJ := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(BUILD)/obj/gen/embedded.o
EMBED_FILES := data/vocab.tsv $(sort $(wildcard web/*.*))
TEST_SRC := $(wildcard tests/*/test_*.c)
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))

.PHONY: all check unit-tests cli-tests asan fuzz fuzz-run bench clean demo
all: $(BUILD)/sanad

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<

# Each embedded file becomes a symbol named after its path: data/vocab.tsv ->
# embedded_data_vocab_tsv.
$(BUILD)/gen/embedded.c: $(BUILD)/tools/embed $(EMBED_FILES)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ $(foreach f,$(EMBED_FILES),embedded_$(subst -,_,$(subst /,_,$(subst .,_,$(f))))=$(f))

$(BUILD)/obj/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O0 -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libsanad.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/sanad: $(BUILD)/obj/cli/main.o $(BUILD)/libsanad.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libsanad.a tests/test_support.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests $(LDFLAGS) -o $@ $< $(BUILD)/libsanad.a $(LDLIBS) -lcmocka

unit-tests: $(TEST_BIN)
	@tests/run-unit.sh $(TEST_BIN)

cli-tests: $(BUILD)/sanad
	@SANAD=$(CURDIR)/$(BUILD)/sanad tests/run-cli.sh

# Every test: unit tests, then the CLI end-to-end tests; the summary line
# "N passed, N failed" is printed by tests/summary.sh.
check: $(TEST_BIN) $(BUILD)/sanad
	@rm -f $(BUILD)/test-results
	@RESULTS=$(CURDIR)/$(BUILD)/test-results tests/run-unit.sh $(TEST_BIN) || true
	@RESULTS=$(CURDIR)/$(BUILD)/test-results SANAD=$(CURDIR)/$(BUILD)/sanad tests/run-cli.sh || true
	@tests/summary.sh $(BUILD)/test-results

asan:
	$(MAKE) BUILD=build-asan OPT=-O1 \
		EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" check

FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst fuzz/%.c,build-fuzz/%,$(FUZZ_SRC))
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang OPT=-O1 \
		EXTRA_CFLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
		build-fuzz/libsanad.a $(FUZZ_BIN)

build-fuzz/fuzz_%: fuzz/fuzz_%.c build-fuzz/libsanad.a
	clang $(CFLAGS_BASE) -O1 -fsanitize=fuzzer,address,undefined -o $@ $< build-fuzz/libsanad.a $(LDLIBS)

# Run each fuzzer briefly (FUZZ_SECONDS each) on its seed corpus.
FUZZ_SECONDS ?= 30
fuzz-run: fuzz
	@for f in $(FUZZ_BIN); do \
		name=$$(basename $$f); mkdir -p build-fuzz/corpus/$$name; \
		echo "== $$name ($(FUZZ_SECONDS)s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 build-fuzz/corpus/$$name fuzz/corpus/$$name || exit 1; \
	done

demo: $(BUILD)/sanad
	$(BUILD)/sanad demo --db demo.sanad

clean:
	rm -rf build build-asan build-fuzz
