// Accounts with thousands of contacts, for the roster tests and the demo's (a roster set per
// contact takes minutes on both servers: Prosody rewrites its whole roster file each time).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

export const contactName = (i) => `Customer ${String(i).padStart(5, '0')} of Example Trading Company`;

/**
 * Gives the account `jid` (password "pw") `n` contacts `c<i>-big@localhost` of realistic size
 * (a name and a group: about 150 bytes each in the answer), plus `extra` ([jid, name] pairs).
 * Prosody (PROSODY_DIR): `register(jid)` creates the account, then its roster file is written
 * while it is offline. ejabberd (EJABBERD_DIR): account and roster come in one XEP-0227 import.
 */
export async function bigRoster(jid, n, register, extra = []) {
  const user = jid.split('@')[0];
  const contacts = [...Array.from({ length: n }, (_, i) => [`c${i}-big@localhost`, contactName(i)]), ...extra];
  if (process.env.XMPP_SERVER === 'ejabberd') {
    const items = contacts.map(([j, name]) =>
      `<item jid='${j}' name='${name}' subscription='none'><group>Customers</group></item>`).join('');
    const file = path.join(os.tmpdir(), `${user}.pie.xml`);
    fs.writeFileSync(file, `<?xml version='1.0' encoding='UTF-8'?><server-data xmlns='urn:xmpp:pie:0'><host jid='localhost'><user name='${user}' password='pw'><query xmlns='jabber:iq:roster'>${items}</query></user></host></server-data>`, { mode: 0o644 });
    execFileSync('scripts/ejabberd.sh', ['ctl', process.env.EJABBERD_DIR, 'import_piefxis', file]);
    fs.unlinkSync(file);
    return;
  }
  await register(jid);
  writeProsodyRoster(process.env.PROSODY_DIR, user, contacts);
}

/**
 * Writes the roster of `user`@localhost into the data of the Prosody in `prosodyDir` (its
 * `internal` storage, read at the account's next login): `contacts` are [jid, name,
 * subscription ("none" when not given)], each in the group "Customers".
 */
export function writeProsodyRoster(prosodyDir, user, contacts) {
  const lines = ['return {', '\t[false] = { ["version"] = 1; ["pending"] = {}; };'];
  for (const [j, name, subscription = 'none'] of contacts) {
    lines.push(`\t["${j}"] = { ["subscription"] = "${subscription}"; ["name"] = "${name}"; ["groups"] = { ["Customers"] = true; }; };`);
  }
  lines.push('};');
  const dir = path.join(prosodyDir, 'data', 'localhost', 'roster');
  fs.mkdirSync(dir, { recursive: true });
  // Prosody's datamanager writes every character but letters and digits as %xx
  const escaped = user.replace(/[^a-zA-Z0-9]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  fs.writeFileSync(path.join(dir, `${escaped}.dat`), lines.join('\n'));
}

/** Whether this run can build such accounts (the servers of scripts/test.sh). */
export const canBuildBigRosters = () => process.env.XMPP_SERVER === 'ejabberd' ? Boolean(process.env.EJABBERD_DIR) : Boolean(process.env.PROSODY_DIR);
