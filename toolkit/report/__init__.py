"""Reports: draft the self-evaluation report, and check a written report's figures."""
