"""COA: the koppeling of a statushouder to a gemeente and the warme overdracht."""
