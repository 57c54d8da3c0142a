"""Reconciliation: one truth across systems, flags written back into each (``coisync reconcile``).

* :mod:`~coisync.reconcile.identity` links the same party, property or agreement known to several
  connections (:mod:`~coisync.reconcile.matching` scores candidates);
* :mod:`~coisync.reconcile.links` performs (and undoes) links, re-pointing owned records;
* :mod:`~coisync.reconcile.compare` compares each party's copies (and its linked agreements) across systems;
* :mod:`~coisync.reconcile.presence` finds parties unknown to a system that holds their property;
* :mod:`~coisync.reconcile.flags` turns findings into per-record flag values for the planner;
* :mod:`~coisync.reconcile.run` runs it all under the ``reconcile`` lock;
* :mod:`~coisync.reconcile.report` prints the result.
"""
