"""The reconciliation checks (勾稽关系): rules declared once, read from the layout declarations,
run over a stored disclosure; results stored as CheckRun and Finding.

- engine.py: the Rule declaration, the registry, the Reporter and the runner.
- loader.py: the one loader (rows + amounts in one query, plus texts and performance tables).
- meanings.py: tables by the role their layout declares, and the keys cross-table rules read.
- structure, inside, between (and balances), catalogue, units, narrative, performance: the
  rules by kind.
- services.py: checks_run (after every import), finding_explain, submission_blockers.
- selectors.py: check_report (grouped by table), highlight_cells, quality_summary.
- forms.py: the form that explains a warning. Templates: templates/checks/.
"""
