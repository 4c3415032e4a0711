"""LoRaWAN for interop: envelopes, payload codecs, semantic mapping (work in progress)."""
