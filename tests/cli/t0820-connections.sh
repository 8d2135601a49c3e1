#!/bin/sh
# How `sanad serve` takes connections: the server accepts them itself and
# hands them to its worker pool, and must still enforce what libmicrohttpd
# enforced when it accepted: at most --per-ip-limit open connections from
# one address, idle ones closed after --timeout (a slowloris client holds
# nothing for long), and a refusal that leaves the server serving.  A port
# already in use is a clear error at start.
. "$TESTS_DIR/cli/lib.sh"

sanad init --db s.db --org ngo-a --org-name "NGO A" > /dev/null
add_user cw caseworker ngo-a

check_server_starts "sanad serve starts with a per-address limit of 4 and a 2 s timeout" 4 \
	--per-ip-limit 4 --timeout 2

# probe.py N: opens N connections to the server without sending anything,
# then prints how many the server closed at once and how many it still
# holds; with "then-idle", waits past the timeout and prints how many of
# those are still open
cat > probe.py << 'PY'
import socket, sys, time
port, n, mode = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    socks.append(s)
time.sleep(0.5)
def closed(s, wait):
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except ConnectionResetError:
        return True
shut = [s for s in socks if closed(s, 0.3)]
held = [s for s in socks if s not in shut]
print("closed", len(shut), "held", len(held))
if mode == "then-idle":
    time.sleep(3.5)
    print("after-timeout-open", sum(1 for s in held if not closed(s, 0.3)))
PY

per_ip_limit() {
	python3 probe.py "$PORT" 7 now > probe.out
	equals "$(cat probe.out)" "closed 3 held 4"
}
check "a fifth to seventh connection from one address is closed at once; four are held" per_ip_limit

idle_timeout() {
	python3 probe.py "$PORT" 4 then-idle > probe.out
	contains probe.out "closed 0 held 4"
	contains probe.out "after-timeout-open 0"
}
check "connections that send nothing are closed after the timeout" idle_timeout

still_serving() {
	status 200 cw GET /api/v1/me
	json resp 'd["username"]=="cw"'
}
check "after the refusals the server still answers" still_serving

spread() {
	# four keep-alive connections at once, each asking 20 times: all answered
	cat > many.py << 'PY'
import http.client, sys, threading
port, token = int(sys.argv[1]), sys.argv[2]
ok = []
def run():
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(20):
        c.request("GET", "/api/v1/me", headers={"Authorization": "Bearer " + token})
        r = c.getresponse()
        r.read()
        ok.append(r.status == 200)
    c.close()
ts = [threading.Thread(target=run) for _ in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print(sum(ok), len(ok))
PY
	equals "$(python3 many.py "$PORT" "$(cat token.cw)")" "80 80"
}
check "four keep-alive connections of twenty requests each are all answered" spread

port_in_use() {
	! sanad serve --db "$T/s.db" --listen "127.0.0.1:$PORT" > second.out 2> second.err
	contains second.err "cannot listen on 127.0.0.1:$PORT: Address already in use"
}
check "a second server on the same port says the address is in use" port_in_use

kill -TERM "$SERVER"
wait "$SERVER"
server_rc=$?
check "the server stops cleanly" sh -c "[ $server_rc = 0 ] && grep -q 'stopped (SIGTERM)' '$T/serve.out'"
refused_after_stop() {
	! curl -s -m 5 -o /dev/null "$BASE/api/v1/health"
}
check "after the stop new connections are refused" refused_after_stop

finish
