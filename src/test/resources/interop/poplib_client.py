"""Python's poplib as a POP3 client for io.popbridge.interop.PoplibInteropTest.

Usage: python3 poplib_client.py HOST PORT OUTDIR COMMAND
  COMMAND: retr        LIST, UIDL, RETR every message into OUTDIR/msg.N (lines joined with CRLF,
                       as poplib hands them over: CRLF stripped and dot-unstuffed), QUIT
           dele:N,M,.. DELE those messages, QUIT
           stat        STAT, QUIT
The login comes from the environment (POP3_USER, POP3_PASSWORD); poplib sends it as UTF-8.
OUTDIR/list.txt, uidl.txt, octets.txt and stat.txt record what the server said.
"""
import os
import poplib
import sys

# poplib refuses lines longer than _MAXLINE (2048) with "line too long"; RFC 5322 allows 998 and
# real mail has longer ones (the corpus has a 25,000-octet line). getmail6 raises it the same way.
poplib._MAXLINE = 1 << 20

host, port, outdir, command = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]


def write(name, lines):
    with open(os.path.join(outdir, name), 'wb') as f:
        f.write(b''.join(line + b'\n' for line in lines))


pop = poplib.POP3(host, port, timeout=30)
pop.user(os.environ['POP3_USER'])
pop.pass_(os.environ['POP3_PASSWORD'])
if command == 'retr':
    _, listing, _ = pop.list()
    write('list.txt', listing)
    _, uidl, _ = pop.uidl()
    write('uidl.txt', uidl)
    octets = []
    for entry in listing:
        n = int(entry.split()[0])
        _, lines, count = pop.retr(n)
        with open(os.path.join(outdir, 'msg.%d' % n), 'wb') as f:
            f.write(b''.join(line + b'\r\n' for line in lines))
        octets.append(b'%d %d' % (n, count))
    write('octets.txt', octets)
elif command.startswith('dele:'):
    for n in command[len('dele:'):].split(','):
        pop.dele(int(n))
elif command == 'stat':
    count, size = pop.stat()
    write('stat.txt', [b'%d %d' % (count, size)])
else:
    sys.exit('unknown command ' + command)
print(pop.quit().decode('ascii', 'replace'))
