"""Example projects for the kit's pytester self-tests: copied to temp dirs, never collected."""

collect_ignore = ["kit_project", "lighting_plugin", "uncovered_plugin"]
