module longshore.io/test/clients/dcgo

go 1.22

require github.com/docker/go-dockercloud v1.2.1

require github.com/gorilla/websocket v1.5.3 // indirect
