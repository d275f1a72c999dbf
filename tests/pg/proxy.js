// A TCP proxy in front of the test server, to drop connections on demand.
//   node proxy.js LISTEN_PORT TARGET_PORT
// SIGUSR1 drops every open connection; SIGUSR2 turns refusing new ones on or
// off; SIGHUP holds back, from then on, what the server sends on the open
// connections (a statement that never answers). With TARGET_PORT "auth-fail" it is a server that asks for a password
// and refuses it, as PostgreSQL does with wrong credentials (SQLSTATE 28P01).
'use strict';
const net = require('net');
const [listen, target] = process.argv.slice(2);
let refuse = false;
const open = new Set();

function message(type, body) {
	const head = Buffer.alloc(5);
	head.write(type, 0);
	head.writeInt32BE(body.length + 4, 1);
	return Buffer.concat([head, body]);
}

function authFail(c) {
	let got = Buffer.alloc(0), started = false;
	c.on('data', (d) => {
		got = Buffer.concat([got, d]);
		if (!started && got.length >= 8 && got.length >= got.readInt32BE(0)) {
			const code = got.readInt32BE(4);
			got = got.subarray(got.readInt32BE(0));
			if (code === 80877103 || code === 80877104) { // SSL or GSS encryption asked: no
				c.write('N');
				return;
			}
			started = true;
			const ask = Buffer.alloc(4);
			ask.writeInt32BE(3); // cleartext password
			c.write(message('R', ask));
		} else if (started && got.length >= 5 && got[0] === 0x70) { // the password
			const fields = 'SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "postgres"\0\0';
			c.end(message('E', Buffer.from(fields)));
		}
	});
	c.on('error', () => {});
}

const server = net.createServer((c) => {
	if (target === 'auth-fail')
		return authFail(c);
	if (refuse)
		return c.destroy();
	const u = net.connect(Number(target), '127.0.0.1');
	const pair = { c, u, held: false };
	open.add(pair);
	const end = () => { c.destroy(); u.destroy(); open.delete(pair); };
	c.on('error', end); u.on('error', end); c.on('close', end); u.on('close', end);
	c.pipe(u);
	u.on('data', (d) => { if (!pair.held) c.write(d); });
});
process.on('SIGUSR1', () => { for (const p of open) { p.c.destroy(); p.u.destroy(); } open.clear(); });
process.on('SIGUSR2', () => { refuse = !refuse; });
process.on('SIGHUP', () => { for (const p of open) p.held = true; });
server.listen(Number(listen), '127.0.0.1', () => console.log('listening'));
