"""What the peer clients (slixmpp) share: logging in to the project's loopback test servers,
which offer SCRAM and PLAIN without TLS on their c2s port (RFC 6120 c2s over plain TCP)."""

import asyncio

# SASL without TLS: loopback only
PLUGIN_CONFIG = {"feature_mechanisms": {"unencrypted_scram": True, "unencrypted_plain": True}}


def run(client, host, port, seconds):
    """Connects `client` without TLS and runs until it disconnects (at most `seconds`)."""
    client.enable_direct_tls = False
    client.enable_starttls = False
    client.enable_plaintext = True
    client.connect(host, int(port))
    loop = asyncio.get_event_loop()
    loop.run_until_complete(asyncio.wait_for(client.disconnected, seconds))
