"""VluchtelingenWerk (or another welzijn party): maatschappelijke begeleiding and the PVT."""
