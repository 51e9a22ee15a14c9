"""A client that is not ours (slixmpp and its XEP plugins) on the other side of the message
actions, for the browser interop test (tests/browser/actions.spec.mjs): replies (XEP-0461 with
the XEP-0428 fallback), reactions (XEP-0444), retraction (XEP-0424), read markers (XEP-0333).

    python3 tests/peer/actions_peer.py JID PASSWORD HOST PORT

Logs in over plain TCP to a loopback server (RFC 6120 c2s). Reads one JSON command per line on
standard input and writes one JSON line per event on standard output, as slixmpp's plugins
read what arrived:

    {"op": "message", "to", "body"}                   {"event": "ready"}
    {"op": "reply", "to", "id", "body", "quote"}      {"event": "sent", "id"}
    {"op": "react", "to", "id", "reactions"}          {"event": "message", "id", "body",
    {"op": "retract", "to", "id"}                       "stripped", "reply", "markable"}
    {"op": "displayed", "to", "id"}                   {"event": "reactions", "id", "reactions"}
    {"op": "quit"}                                    {"event": "retract", "id"}
                                                      {"event": "displayed", "id"}
"""

import asyncio
import json
import sys

import slixmpp

import loopback


def out(obj):
    print(json.dumps(obj), flush=True)


class Peer(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, plugin_config=loopback.PLUGIN_CONFIG)
        for p in ["xep_0030", "xep_0333", "xep_0334", "xep_0359", "xep_0424", "xep_0428",
                  "xep_0444", "xep_0461"]:
            self.register_plugin(p)
        self.add_event_handler("session_start", self.start)
        self.add_event_handler("message", self.on_message)
        self.add_event_handler("reactions", self.on_reactions)
        self.add_event_handler("message_retract", self.on_retract)
        self.add_event_handler("marker_displayed", self.on_displayed)
        self.add_event_handler("failed_auth", lambda _: sys.exit(2))

    async def start(self, _event):
        self.send_presence()
        await self.get_roster()
        out({"event": "ready"})
        asyncio.ensure_future(self.commands())

    async def commands(self):
        loop = asyncio.get_event_loop()
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            cmd = json.loads(line)
            op = cmd["op"]
            if op == "quit":
                break
            to = slixmpp.JID(cmd["to"])
            if op == "message":
                msg = self.make_message(mto=to, mbody=cmd["body"], mtype="chat")
                msg["id"] = self.new_id()
                msg.send()
                out({"event": "sent", "id": msg["id"]})
            elif op == "reply":
                msg = self.plugin["xep_0461"].make_reply(
                    to, cmd["id"], fallback=cmd.get("quote"), mto=to, mbody=cmd["body"],
                    mtype="chat")
                msg["id"] = self.new_id()
                msg.send()
                out({"event": "sent", "id": msg["id"]})
            elif op == "react":
                self.plugin["xep_0444"].send_reactions(to, cmd["id"], cmd["reactions"])
                out({"event": "sent"})
            elif op == "retract":
                self.plugin["xep_0424"].send_retraction(to, cmd["id"])
                out({"event": "sent"})
            elif op == "displayed":
                self.plugin["xep_0333"].send_marker(to, cmd["id"], "displayed")
                out({"event": "sent"})
        self.disconnect()

    def on_message(self, msg):
        if msg["type"] not in ("chat", "normal") or not msg["body"]:
            return
        if msg.get_plugin("retract", check=True) is not None:
            return
        reply = None
        stripped = msg["body"]
        if msg.get_plugin("reply", check=True) is not None:
            reply = {"id": msg["reply"]["id"], "to": str(msg["reply"]["to"])}
            stripped = msg["reply"].strip_fallback_content()
        out({
            "event": "message",
            "id": msg["id"],
            "origin_id": msg["origin_id"]["id"],
            "body": msg["body"],
            "stripped": stripped,
            "reply": reply,
            "markable": msg.get_plugin("markable", check=True) is not None,
        })

    def on_reactions(self, msg):
        out({"event": "reactions", "id": msg["reactions"]["id"],
             "reactions": sorted(msg["reactions"]["values"])})

    def on_retract(self, msg):
        out({"event": "retract", "id": msg["retract"]["id"]})

    def on_displayed(self, msg):
        out({"event": "displayed", "id": msg["displayed"]["id"]})


def main():
    jid, password, host, port = sys.argv[1:5]
    loopback.run(Peer(jid, password), host, port, 120)


if __name__ == "__main__":
    main()
