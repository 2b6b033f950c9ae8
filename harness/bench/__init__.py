"""`python -m harness.bench`: a side-by-side benchmark of mailwire-proxy and real nginx (IMAP).

One module per job: `stack` starts a proxy with its fakes, `procstat` reads a process's memory and CPU,
`idle`, `sessions` and `relay` are the three measurements, `report` prints the table and writes JSON,
`cli` ties them together. docs/benchmarks.md says what each number means.
"""
