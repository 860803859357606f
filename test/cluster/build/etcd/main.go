// Command etcd is the upstream etcd server. etcd's own main package lives in a module that carries
// replace directives, which a dependency cannot honour, so this calls the same entry point.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
