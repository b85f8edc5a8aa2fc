// Child process of netlink-hardening.test.ts, run with netlink-faults.so
// preloaded: opens a handle, arms the fault given in argv, runs one operation,
// then lists services again unarmed, and prints both outcomes as JSON.
require('tsx/cjs');
const { Ipvs } = require('../../../lib/index.ts');

const [fault, op] = process.argv.slice(2);
const OPS = {
  services: (h) => h.services().then((list) => list.length),
  snapshot: (h) => h.snapshot().then((list) => list.reduce((n, s) => n + 1 + s.destinations.length, 0)),
  addService: (h) => h.addService({ protocol: 'tcp', address: '192.0.2.200', port: 1 }).then(() => 'added'),
};
const outcome = (p) =>
  p.then(
    (value) => ({ value }),
    (e) => ({ error: { name: e.name, code: e.code, errno: e.errno, syscall: e.syscall, message: e.message } }),
  );

(async () => {
  const ipvs = await Ipvs.open();
  process.env.IPVS_NETLINK_FAULT = fault; // read by the shim at its next call
  const first = await outcome(OPS[op](ipvs));
  const after = await outcome(OPS.services(ipvs));
  ipvs.close();
  console.log(JSON.stringify({ first, after }));
})();
