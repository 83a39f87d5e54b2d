import socket, sys, os, hashlib, time, subprocess
# Redis-only claim harness, see run.sh: claims.py layout port prefill_requests measured_requests [ids_per_request]
# usage: harness.py v1|v2 port prefill_requests measure_requests [ids_per_req]
ver, port, pre, meas = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
short = ver.endswith('s')
ver = ver.rstrip('s')
per = int(sys.argv[5]) if len(sys.argv) > 5 else 100
s = socket.create_connection(('127.0.0.1', port)); f = s.makefile('rb')
def enc(*parts):
    out = [b'*%d\r\n' % len(parts)]
    for p in parts:
        if isinstance(p, str): p = p.encode()
        elif isinstance(p, int): p = str(p).encode()
        out.append(b'$%d\r\n%s\r\n' % (len(p), p))
    return b''.join(out)
def read():
    line = f.readline()
    t = line[:1]
    if t in (b'+', b':'): return line[1:-2]
    if t == b'-': raise Exception(line)
    if t == b'$':
        n = int(line[1:-2]);
        if n < 0: return None
        d = f.read(n + 2); return d[:-2]
    if t == b'*':
        n = int(line[1:-2]); return [read() for _ in range(max(n, 0))]
def committed(name):
    # v2 is DedupWindow's own scripts, read from its source (no copy to drift); v1 is 2026-11-29's layout
    import re, textwrap
    java = open('../../../../ingest-service/src/main/java/io/touchpoint/ingest/repository/DedupWindow.java').read()
    return textwrap.dedent(re.search(r'String %s = """\n(.*?)""";' % name, java, re.S).group(1))
if ver == 'v1':
    claim = open('claim_v1.lua').read(); settle = open('settle_v1.lua').read()
else:
    claim = committed('CLAIM'); settle = committed('SETTLE')
s.sendall(enc('SCRIPT', 'LOAD', claim)); csha = read()
s.sendall(enc('SCRIPT', 'LOAD', settle)); ssha = read()
pid = int(subprocess.check_output(['sh', '-c', "ss -Htlnp 'sport = :%d' | sed -n 's/.*pid=\\([0-9]*\\).*/\\1/p' | head -1" % port]).strip())
def ticks():
    st = open('/proc/%d/stat' % pid).read().split(')')[1].split()
    return int(st[11]) + int(st[12])
seq = [0]
def req(k):
    seq[0] += 1
    cid = ('k7.%s' if short else 'cabcdefghij12.%s') % format(seq[0], 'x')
    ids = ['%08x-%04x-4000-8000-%012x' % (os.getpid(), k, seq[0] * 1000 + i) for i in range(per)]
    if ver == 'v1':
        c = enc('EVALSHA', csha, 0, cid, 86400000, 45000, 'tp:ingest:dedup-bucket:{dev-web}:', 'tp:ingest:claim:{dev-web}:', *ids)
    else:
        blob = b''.join(hashlib.sha256(i.encode()).digest()[:16] for i in ids)
        c = enc('EVALSHA', csha, 0, cid, 86400000, 45000, 'tp:ingest:dedup-v2:{dev-web}:', 'tp:ingest:claim-v2:{dev-web}:', blob)
    return cid, c
def settle_cmd(cid, r):
    if ver == 'v1':
        return enc('EVALSHA', ssha, 2, 'tp:ingest:claim:{dev-web}:' + cid, 'tp:ingest:dedup-bucket:{dev-web}:' + r[0].decode(), 86400000, 1)
    return enc('EVALSHA', ssha, 2, 'tp:ingest:claim-v2:{dev-web}:' + cid, 'tp:ingest:dedup-v2:{dev-web}:' + r[0].decode(), 86400000, 1, r[1], b'')
def run(nreq, depth=int(os.environ.get("DEPTH", "16"))):
    # pipelined: send depth claims, read them, send their settles, read
    done = 0
    while done < nreq:
        k = min(depth, nreq - done)
        reqs = [req(j) for j in range(k)]
        s.sendall(b''.join(c for _, c in reqs))
        rs = [read() for _ in range(k)]
        for r in rs: assert len(r) == (1 if ver == 'v1' else 2), r
        s.sendall(b''.join(settle_cmd(cid, r) for (cid, _), r in zip(reqs, rs)))
        for _ in range(k): read()
        done += k
run(pre)
if meas == 0: sys.exit(0)
t0 = ticks(); w0 = time.time()
run(meas)
t1 = ticks(); hz = os.sysconf('SC_CLK_TCK')
print(('short ' if short else '') + '%s prefill=%d reqs measured=%d: redis CPU %.2f us/event (wall %.1fs)' % (ver, pre * per, meas * per, (t1 - t0) / hz * 1e6 / (meas * per), time.time() - w0))
