"""`python -m harness.bench`: mailwire-proxy and nginx measured side by side in one run (docs/benchmarks.md).

One module per job: `workloads` names what is measured, `stats` orders the samples (ABBA) and summarises them,
`procstat` reads CPU and memory from /proc, `stack` starts the fakes and a fresh proxy, `load` runs the C++
client `mailwire-load`, `sample` measures one workload once, `machine` records the machine and versions,
`report` renders the table and the page, `chart` draws the PNG, `cli` ties them together.
"""
