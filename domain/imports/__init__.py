"""Department imports (issue 17): a mapping says how a department's rows become observations (`mapping`),
each row is read through it (`rows`, with `cells` and `dates`); the files are read by `infra.imports`."""
