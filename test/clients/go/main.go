// dcgo runs one go-dockercloud v1.2.1 call (a "flow") against DOCKERCLOUD_REST_HOST and prints
// the outcome as one JSON line, so the integration tests can drive the real Go client:
//
//	{"ok":true,"result":...}                   on success (exit 0)
//	{"ok":false,"status":409,"error":"..."}     on an HTTP error (exit 1)
//
// The client reads DOCKERCLOUD_REST_HOST, DOCKERCLOUD_AUTH (or DOCKERCLOUD_USER and
// DOCKERCLOUD_APIKEY) and DOCKERCLOUD_NAMESPACE itself; this program adds nothing to them.
//
// Flows:
//
//	list                           ListStacks (follows meta.next itself)
//	create NAME [SERVICES_JSON]    CreateStack; SERVICES_JSON is a []ServiceCreateRequest
//	get UUID_OR_RESOURCE_URI       GetStack
//	update UUID SERVICES_JSON      stack.Update
//	start|stop|terminate UUID      stack.Start / Stop / Terminate
//	redeploy UUID [reuse|noreuse]  stack.Redeploy (default reuse: sends no query parameter)
//	export UUID                    stack.ExportStack (prints the raw body as a string)
//	services                       ListServices
//	service UUID_OR_RESOURCE_URI   GetService
//	action UUID_OR_RESOURCE_URI    GetAction
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/docker/go-dockercloud/dockercloud"
)

type outcome struct {
	OK     bool   `json:"ok"`
	Result any    `json:"result,omitempty"`
	Status int    `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
}

func main() {
	// The library logs request bodies with the standard logger; keep stdout for our JSON.
	log.SetOutput(io.Discard)
	if len(os.Args) < 2 {
		fail(0, errors.New("usage: dcgo FLOW [ARGS...]"))
	}
	result, err := run(os.Args[1], os.Args[2:])
	if err != nil {
		var httpErr dockercloud.HttpError
		if errors.As(err, &httpErr) {
			fail(httpErr.StatusCode, fmt.Errorf("%s: %s", httpErr.Status, string(httpErr.Message)))
		}
		fail(0, err)
	}
	emit(outcome{OK: true, Result: result}, 0)
}

func run(flow string, args []string) (any, error) {
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		fail(0, fmt.Errorf("flow %s: missing argument %d", flow, i+1))
		return ""
	}
	switch flow {
	case "list":
		return dockercloud.ListStacks()
	case "create":
		req := dockercloud.StackCreateRequest{Name: arg(0)}
		if len(args) > 1 {
			if err := json.Unmarshal([]byte(args[1]), &req.Services); err != nil {
				return nil, fmt.Errorf("SERVICES_JSON: %w", err)
			}
		}
		return dockercloud.CreateStack(req)
	case "get":
		return dockercloud.GetStack(arg(0))
	case "update":
		var req dockercloud.StackCreateRequest
		if err := json.Unmarshal([]byte(arg(1)), &req.Services); err != nil {
			return nil, fmt.Errorf("SERVICES_JSON: %w", err)
		}
		stack := dockercloud.Stack{Uuid: arg(0)}
		return nil, stack.Update(req)
	case "start":
		stack := dockercloud.Stack{Uuid: arg(0)}
		return nil, stack.Start()
	case "stop":
		stack := dockercloud.Stack{Uuid: arg(0)}
		return nil, stack.Stop()
	case "terminate":
		stack := dockercloud.Stack{Uuid: arg(0)}
		return nil, stack.Terminate()
	case "redeploy":
		stack := dockercloud.Stack{Uuid: arg(0)}
		reuse := len(args) < 2 || args[1] != "noreuse"
		return nil, stack.Redeploy(dockercloud.ReuseVolumesOption{Reuse: reuse})
	case "export":
		stack := dockercloud.Stack{Uuid: arg(0)}
		return stack.ExportStack()
	case "services":
		return dockercloud.ListServices()
	case "service":
		return dockercloud.GetService(arg(0))
	case "action":
		return dockercloud.GetAction(arg(0))
	default:
		return nil, fmt.Errorf("unknown flow %q", flow)
	}
}

func emit(o outcome, code int) {
	out, _ := json.Marshal(o)
	fmt.Println(string(out))
	os.Exit(code)
}

func fail(status int, err error) {
	emit(outcome{OK: false, Status: status, Error: err.Error()}, 1)
}
