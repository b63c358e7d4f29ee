"""Statistics (法律援助统计) and the performance self-evaluation (绩效自评) from the ledger."""
