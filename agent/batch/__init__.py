"""Batch runs: many tasks, unattended, in parallel worker processes, resumable.

    config.py       BatchConfig: what one batch is asked to do
    plan.py         which tasks run, which are skipped (and why), which are already done
    engine.py       the loop: a queue of tasks, worker processes, deadlines, signals
    pool.py         the batch's handle on one worker process; LocalPool, the workers on this machine
    ray_pool.py     RayPool: the workers as actors on a Ray cluster's nodes (`--ray`)
    ray_node.py     the actor on a node: one worker process, its results sent back; a node's model actor
    model_host.py   one model process per machine that the workers share (transformers backend)
    worker.py       the worker process: its own Xvfb, HOME and driver; runs tasks one by one
    isolation.py    private folders per worker; finding and stopping every process it started
    channel.py      JSON-lines messages between the batch and a worker
    results.py      result files the batch writes itself (skips, timeouts, dead workers)
    summary.py      OUT/summary.json
    progress.py     the live progress display and the final table

The HOME each task starts from is tasks/home.py's (reset_home). The command is
agent/commands/batch.py; docs/batch.md explains the whole for users.
"""
