"""Native payload codecs: Cayenne LPP and vendor codecs, one module each."""
