"""Rule data for the line cleaner (``line_rules.yaml``)."""
