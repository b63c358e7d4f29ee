"""The case ledger (案件台账): reading, checking and the vocabulary of case types and stages."""
