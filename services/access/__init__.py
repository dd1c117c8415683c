"""Who may see and change what: principals, rules, accounts and the audit log."""
