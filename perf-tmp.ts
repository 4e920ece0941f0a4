import { startEmSimulator } from '/work/main/src/sim/simulator.js';
import { request, Agent } from 'undici';
const sim = await startEmSimulator({ taskDurationMs: 100, backupDurationMs: 200 });
const agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10, connections: 8 });
const logon = await request(`${sim.url}/sessionMngr/?v=latest`, { method: 'POST', headers: { Authorization: 'Basic ' + Buffer.from('chatops:chatops').toString('base64') }, dispatcher: agent });
await logon.body.text();
const token = String(logon.headers['x-restsvcsessionid']);
let lat: number[] = [];
sim.onTaskFinished(() => {});
let t0 = Date.now();
const ids = ['a6deb158-b26c-4140-8b26-5a3cc344e8ec'];
for (let i = 0; i < 10000; i += 50) {
  await Promise.all(Array.from({ length: 50 }, async () => {
    const r = await request(`${sim.url}/agents/jobs/${ids[0]}?action=toggleScheduleEnabled`, { method: 'POST', headers: { 'X-RestSvcSessionId': token, Accept: 'application/json' }, dispatcher: agent });
    await r.body.text();
  }));
}
console.log('10k actions', Date.now() - t0, 'ms');
for (const accept of ['application/json', 'application/xml']) {
  for (let k = 0; k < 3; k++) {
    t0 = Date.now();
    const r = await request(`${sim.url}/tasks`, { headers: { 'X-RestSvcSessionId': token, Accept: accept }, dispatcher: agent });
    const b = await r.body.text();
    console.log(accept, 'GET /tasks', Date.now() - t0, 'ms', b.length, 'bytes');
  }
}
console.log(process.memoryUsage().heapUsed / 1e6, 'MB');
await sim.close(); await agent.close();
