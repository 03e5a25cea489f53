"""Each partner's own work: COA, taalaanbieders, begeleiding and convenants (later issues)."""
