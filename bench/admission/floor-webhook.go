// The floor peer of bench/admission: the least any mutating webhook must do for the API server,
// written the way most webhooks are (Go, net/http, crypto/tls). It decodes the AdmissionReview,
// answers with one fixed JSON patch and looks nothing up. HTTP/2 is off, as controller-runtime's
// webhook server has it by default and as istream's server (Node https) speaks HTTP/1.1: the
// comparison is the server, not the protocol.
//
// Usage: floor-webhook ADDR CERT_FILE KEY_FILE IMAGE; prints "ready" once it accepts connections.
package main

import (
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
)

type review struct {
	APIVersion string    `json:"apiVersion"`
	Kind       string    `json:"kind"`
	Request    *request  `json:"request,omitempty"`
	Response   *response `json:"response,omitempty"`
}

type request struct {
	UID string `json:"uid"`
}

type response struct {
	UID       string `json:"uid"`
	Allowed   bool   `json:"allowed"`
	PatchType string `json:"patchType"`
	Patch     string `json:"patch"`
}

func main() {
	if len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: floor-webhook ADDR CERT_FILE KEY_FILE IMAGE")
		os.Exit(2)
	}
	addr, certFile, keyFile, image := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	operations, err := json.Marshal([]map[string]string{{"op": "replace", "path": "/spec/containers/0/image", "value": image}})
	if err != nil {
		panic(err)
	}
	patch := base64.StdEncoding.EncodeToString(operations)

	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in review
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Request == nil {
			http.Error(w, "not an AdmissionReview", http.StatusBadRequest)
			return
		}
		body, err := json.Marshal(review{
			APIVersion: "admission.k8s.io/v1",
			Kind:       "AdmissionReview",
			Response:   &response{UID: in.Request.UID, Allowed: true, PatchType: "JSONPatch", Patch: patch},
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})

	pair, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		panic(err)
	}
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		panic(err)
	}
	server := &http.Server{
		Handler:      handler,
		TLSConfig:    &tls.Config{Certificates: []tls.Certificate{pair}, NextProtos: []string{"http/1.1"}},
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	fmt.Println("ready")
	panic(server.ServeTLS(listener, "", ""))
}
