# -*- coding: utf-8 -*-
"""Runs one python-dockercloud 1.0.12 flow and prints the outcome as one JSON line.

Python 2.7 only (the library is). The library reads DOCKERCLOUD_REST_HOST, DOCKERCLOUD_AUTH
(or DOCKERCLOUD_USER + DOCKERCLOUD_APIKEY) and DOCKERCLOUD_NAMESPACE by itself, and
~/.docker/config.json at import: run with an empty HOME.

  {"ok": true, "result": ...}                          exit 0
  {"ok": false, "error": "...", "kind": "ApiError"}     exit 1

Flows (each uses the library the way its docs show):
  list [LIMIT]                     Stack.list(limit=LIMIT): pages with offset+limit itself
  list-filter KEY=VALUE...         Stack.list(**filters)
  create NAME [SERVICES_JSON]      Stack.create(name=..., services=...).save()
  fetch UUID                       Stack.fetch(UUID)
  update UUID SERVICES_JSON        fetch, set .services, save() (PATCH of the services only)
  start|stop|delete UUID           fetch, then start() / stop() / delete()
  redeploy UUID [True|False]       fetch, then redeploy(reuse_volumes=...)
  export UUID                      fetch, then export()
  create-start NAME SERVICES_JSON  create + save + start at once (no fetch between: read-after-write)
  update-then UUID SERVICES_JSON redeploy|delete|stop
                                   fetch, set .services, save(), then the action at once on the same
                                   object (update then redeploy: the clients' usual sequence); the
                                   result carries the update's action URI as "update_action_uri"
  services [KEY=VALUE...]          Service.list(**filters)
  service UUID                     Service.fetch(UUID)
  action URI_OR_UUID               Action.fetch / Utils.fetch_by_resource_uri
  trigger-create SERVICE_UUID NAME OPERATION
                                   Trigger.fetch(service), add(name, operation), save(); then list()
  trigger-list SERVICE_UUID        Trigger.fetch(service).list()
  trigger-call SERVICE_UUID TRIGGER_UUID
                                   Trigger.fetch(service).call(uuid)
  trigger-delete SERVICE_UUID TRIGGER_UUID
                                   Trigger.fetch(service).delete(uuid)
Results carry the object's attributes (as get_all_attributes() gives them) plus, for calls that
return one, "returned" (the library's return value).
"""
from __future__ import print_function

import json
import sys

import dockercloud


def attrs(obj):
    return obj.get_all_attributes()


def parse_filters(args):
    filters = {}
    for arg in args:
        key, _, value = arg.partition("=")
        filters[key] = value
    return filters


def run(flow, args):
    if flow == "list":
        limit = int(args[0]) if args else None
        return [attrs(s) for s in dockercloud.Stack.list(limit=limit)]
    if flow == "list-filter":
        return [attrs(s) for s in dockercloud.Stack.list(**parse_filters(args))]
    if flow == "create":
        services = json.loads(args[1]) if len(args) > 1 else []
        stack = dockercloud.Stack.create(name=args[0], services=services)
        returned = stack.save()
        return dict(attrs(stack), returned=returned)
    if flow == "create-start":
        stack = dockercloud.Stack.create(name=args[0], services=json.loads(args[1]))
        stack.save()
        returned = stack.start()
        return dict(attrs(stack), returned=returned)
    if flow == "fetch":
        return attrs(dockercloud.Stack.fetch(args[0]))
    if flow == "update":
        stack = dockercloud.Stack.fetch(args[0])
        stack.services = json.loads(args[1])
        returned = stack.save()
        return dict(attrs(stack), returned=returned)
    if flow == "update-then":
        stack = dockercloud.Stack.fetch(args[0])
        stack.services = json.loads(args[1])
        stack.save()
        update_action_uri = stack.dockercloud_action_uri
        returned = getattr(stack, args[2])()
        return dict(attrs(stack), returned=returned, update_action_uri=update_action_uri)
    if flow in ("start", "stop", "delete", "redeploy"):
        stack = dockercloud.Stack.fetch(args[0])
        if flow == "redeploy" and len(args) > 1:
            returned = stack.redeploy(reuse_volumes=(args[1] == "True"))
        else:
            returned = getattr(stack, flow)()
        return dict(attrs(stack), returned=returned)
    if flow == "export":
        return dockercloud.Stack.fetch(args[0]).export()
    if flow == "services":
        return [attrs(s) for s in dockercloud.Service.list(**parse_filters(args))]
    if flow == "service":
        return attrs(dockercloud.Service.fetch(args[0]))
    if flow == "action":
        if args[0].startswith("/"):
            return attrs(dockercloud.Utils.fetch_by_resource_uri(args[0]))
        return attrs(dockercloud.Action.fetch(args[0]))
    if flow.startswith("trigger-"):
        trigger = dockercloud.Trigger.fetch(dockercloud.Service.fetch(args[0]))
        if flow == "trigger-create":
            trigger.add(args[1], args[2])
            returned = trigger.save()
            return {"returned": returned, "triggers": trigger.list()}
        if flow == "trigger-list":
            return trigger.list()
        if flow == "trigger-call":
            return trigger.call(args[1])
        if flow == "trigger-delete":
            return trigger.delete(args[1])
    raise ValueError("unknown flow %r" % flow)


def main():
    if len(sys.argv) < 2:
        print("usage: dcpy.py FLOW [ARGS...]", file=sys.stderr)
        sys.exit(2)
    try:
        result = run(sys.argv[1], sys.argv[2:])
    except Exception as e:  # report any library error as data: the tests assert on it
        print(json.dumps({"ok": False, "kind": type(e).__name__, "error": str(e)}))
        sys.exit(1)
    print(json.dumps({"ok": True, "result": result}, default=str))


if __name__ == "__main__":
    main()
