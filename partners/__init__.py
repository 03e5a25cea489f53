"""Each partner's own work, one package per partner kind: `coa` (koppeling and warme
overdracht), `begeleiding` (maatschappelijke begeleiding and PVT) and `taal` (enrolments,
groups, lessons, attendance, verzuim and voortgang). Partners build on the case file
(`portal.casefile`) and never the other way round."""
