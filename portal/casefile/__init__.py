"""The case file: inburgeraar, PIP, the tasks that flow from it, and the timeline."""
