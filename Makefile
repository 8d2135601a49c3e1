# Sanad build.  `make` builds build/sanad; `make check` builds and runs every
# test (unit, CLI end-to-end); `make asan` runs the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer; `make fuzz` builds the
# libFuzzer harnesses (clang).  Sources are found by wildcard, so adding a
# file under src/<module>/ or tests/<module>/ needs no edit here.

CC ?= cc
BUILD ?= build
OPT ?= -O2
PKGS = sqlite3 jansson libsodium libxml-2.0 libutf8proc libmicrohttpd pangocairo xlsxwriter
CFLAGS_BASE = -std=c11 -D_DEFAULT_SOURCE -D_FILE_OFFSET_BITS=64 -Wall -Wextra -Werror \
	-Wno-missing-field-initializers -g $(OPT) -Isrc -I$(BUILD)/gen \
	$(shell pkg-config --cflags $(PKGS))
CFLAGS += $(CFLAGS_BASE) $(EXTRA_CFLAGS)
LDLIBS = $(shell pkg-config --libs $(PKGS)) -lcsv -lroaring -lm -lpthread
LDFLAGS += $(EXTRA_LDFLAGS)

LIB_SRC := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
LIB_OBJ := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(BUILD)/obj/gen/embedded.o
# web/ may have subdirectories (two levels); the server finds each file
# through the index table embedded_web_files.
EMBED_FILES := data/vocab.tsv data/report-strings.tsv data/country-regions.tsv $(sort $(wildcard web/*.* web/*/*.* web/*/*/*.*))
TEST_SRC := $(wildcard tests/*/test_*.c)
TEST_BIN := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRC))

.PHONY: test-deps all check unit-tests cli-tests asan fuzz fuzz-run bench clean demo browser-check
all: $(BUILD)/sanad

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<

# Each embedded file becomes a symbol named after its path: data/vocab.tsv ->
# embedded_data_vocab_tsv.
$(BUILD)/gen/embedded.c: $(BUILD)/tools/embed $(EMBED_FILES)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ --index embedded_web_files web/ $(foreach f,$(EMBED_FILES),embedded_$(subst -,_,$(subst /,_,$(subst .,_,$(f))))=$(f))

$(BUILD)/obj/gen/embedded.o: $(BUILD)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O0 -c -o $@ $<

# V=1 shows the full compiler lines.
Q = $(if $(V),,@)
$(BUILD)/obj/%.o: src/%.c $(wildcard src/*/*.h)
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/libsanad.a: $(LIB_OBJ)
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/sanad: $(BUILD)/obj/cli/main.o $(BUILD)/libsanad.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/%.c $(BUILD)/libsanad.a tests/test_support.h
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  TEST-CC $<")
	$(Q)$(CC) $(CFLAGS) -Itests $(LDFLAGS) -o $@ $< $(BUILD)/libsanad.a $(LDLIBS) -lcmocka

unit-tests: $(TEST_BIN)
	@tests/run-unit.sh $(TEST_BIN)

cli-tests: $(BUILD)/sanad
	@SANAD=$(CURDIR)/$(BUILD)/sanad tests/run-cli.sh

# Every test: unit tests, the CLI end-to-end tests against the real binary,
# then the web interface in a real Chromium (BROWSER=0 skips it).  The
# summary line "N passed, N failed" is printed by tests/summary.sh.  The
# packages the tests need are installed first if missing (DEPS=0 skips).
BROWSER ?= 1
DEPS ?= 1
check: test-deps $(TEST_BIN) $(BUILD)/sanad
	@rm -f $(BUILD)/test-results
	@RESULTS=$(CURDIR)/$(BUILD)/test-results tests/run-unit.sh $(TEST_BIN) || true
	@RESULTS=$(CURDIR)/$(BUILD)/test-results SANAD=$(CURDIR)/$(BUILD)/sanad tests/run-cli.sh || true
	@if [ "$(BROWSER)" != 0 ]; then $(MAKE) --no-print-directory browser-check || true; fi
	@tests/summary.sh $(BUILD)/test-results

test-deps:
	@if [ "$(DEPS)" != 0 ]; then scripts/install-deps.sh $(if $(filter 0,$(BROWSER)),--test,--check); fi

# The same unit and CLI tests under AddressSanitizer + UBSan (the browser
# tests drive the server through Chromium and add nothing the CLI HTTP tests
# miss under the sanitizers, at many times the cost).
# tests/lsan.supp: leaks inside third-party libraries, each with its reason.
asan:
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 $(MAKE) BUILD=build-asan OPT=-O1 \
		EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
		EXTRA_LDFLAGS="-fsanitize=address,undefined" BROWSER=0 DEPS=0 check

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

# The web interface in a real Chromium (tests/browser/run.sh: needs chromium,
# node and npm from scripts/install-deps.sh --all).  Appends "pass N" /
# "fail N" to $(BUILD)/test-results like the other runners; screenshots go
# to tests/artifacts/.
browser-check: $(BUILD)/sanad
	@SANAD=$(CURDIR)/$(BUILD)/sanad RESULTS=$(CURDIR)/$(BUILD)/test-results tests/browser/run.sh

demo: $(BUILD)/sanad
	$(BUILD)/sanad demo --db demo.sanad

clean:
	rm -rf build build-asan build-fuzz
