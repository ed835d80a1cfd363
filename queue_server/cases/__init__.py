"""Accepted cases (受理 → 审批 → 办结 → 出件): pure rules in numbers, materials, states and deadlines; the
database side in store, receipts in receipt and printing, progress lookup in lookup."""
