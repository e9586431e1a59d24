# A durable workflow: each step is checkpointed, so a run can wait for days and resume
# where it stopped. (Handler body kept minimal for the example.)
def handler(event, context):
    return {"order": event.get("order"), "status": "shipped"}
