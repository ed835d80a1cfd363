"""The hall's side of the city link: its identity (code, log epoch) and the shipper of its event log."""
