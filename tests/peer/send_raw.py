"""A client that is not ours (slixmpp) sending stanzas as written, for the browser tests of
what other people can send (docs/decisions.md §13).

    python3 tests/peer/send_raw.py JID PASSWORD HOST PORT < frames.txt

Logs in over plain TCP to a loopback server (RFC 6120 c2s), sends each line of standard input
as one raw stanza, in order, then waits a moment and logs out. It only sends: the frames that
come back (Prosody relays `xml:foo` under a prefix that expat refuses) would end its own
connection. Exit code 0 when every frame was written.
"""

import asyncio
import sys

import slixmpp

import loopback


class Sender(slixmpp.ClientXMPP):
    def __init__(self, jid, password, frames):
        # loopback test servers: SCRAM and PLAIN without TLS
        super().__init__(jid, password, plugin_config=loopback.PLUGIN_CONFIG)
        self.frames = frames
        self.sent = 0
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("failed_auth", lambda _: self.disconnect())

    async def start(self, _event):
        for frame in self.frames:
            self.send_raw(frame)
            self.sent += 1
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        self.disconnect()


def main():
    jid, password, host, port = sys.argv[1:5]
    frames = [line for line in sys.stdin.read().split("\n") if line.strip()]
    xmpp = Sender(jid, password, frames)
    loopback.run(xmpp, host, port, 30)
    print(f"sent {xmpp.sent} of {len(frames)}")
    sys.exit(0 if xmpp.sent == len(frames) else 1)


if __name__ == "__main__":
    main()
