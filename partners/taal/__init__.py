"""Taalaanbieders and ROCs: enrolments, groups, lesson registers, verzuim and voortgang."""
