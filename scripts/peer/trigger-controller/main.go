// Command istream-peer-trigger runs OpenShift's image trigger controller on its own, against
// any kubeconfig, so istream's replay tests can compare against what OpenShift really does.
// It is built inside an openshift-controller-manager source tree (scripts/peer/controller.mjs
// lays it in as cmd/istream-peer-trigger with go build -overlay) and wires the same sources as
// that tree's RunImageTriggerController for the apps/v1 and batch/v1 kinds. Workloads are watched in one
// namespace only, so the shared sandbox's other namespaces (where istream's own controller
// runs for other tests) are never touched; image streams are watched everywhere because
// cross-namespace triggers read them.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kinformers "k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"

	imageclient "github.com/openshift/client-go/image/clientset/versioned"
	imageinformers "github.com/openshift/client-go/image/informers/externalversions"
	triggerutil "github.com/openshift/library-go/pkg/image/trigger"
	triggercontroller "github.com/openshift/openshift-controller-manager/pkg/image/controller/trigger"
	triggerannotations "github.com/openshift/openshift-controller-manager/pkg/image/trigger/annotations"
)

// workloadWriter sends the reactor's updated object back with a plain Update, as the
// controller manager's own updater does. Jobs are no source (their pod template is immutable and
// RunImageTriggerController registers none), so they are never written.
type workloadWriter struct{ client kubernetes.Interface }

func (w workloadWriter) Update(obj runtime.Object) error {
	ctx, opts := context.TODO(), metav1.UpdateOptions{}
	var err error
	switch o := obj.(type) {
	case *appsv1.Deployment:
		_, err = w.client.AppsV1().Deployments(o.Namespace).Update(ctx, o, opts)
	case *appsv1.StatefulSet:
		_, err = w.client.AppsV1().StatefulSets(o.Namespace).Update(ctx, o, opts)
	case *appsv1.DaemonSet:
		_, err = w.client.AppsV1().DaemonSets(o.Namespace).Update(ctx, o, opts)
	case *batchv1.CronJob:
		_, err = w.client.BatchV1().CronJobs(o.Namespace).Update(ctx, o, opts)
	default:
		err = fmt.Errorf("no trigger update for %T", obj)
	}
	return err
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster to run against (required)")
	namespace := flag.String("namespace", "", "the only namespace whose workloads are triggered (required)")
	registry := flag.String("internal-registry-hostname", "image-registry.openshift-image-registry.svc:5000",
		"what OpenShift's controller puts in front of Local references when a stream has no status.dockerImageRepository")
	klog.InitFlags(nil)
	flag.Parse()
	if *kubeconfig == "" || *namespace == "" {
		fmt.Fprintln(os.Stderr, "istream-peer-trigger: --kubeconfig and --namespace are required")
		os.Exit(2)
	}
	config, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		klog.Fatalf("reading kubeconfig %s: %v", *kubeconfig, err)
	}
	kube := kubernetes.NewForConfigOrDie(config)
	images := imageclient.NewForConfigOrDie(config)

	workloads := kinformers.NewSharedInformerFactoryWithOptions(kube, 0, kinformers.WithNamespace(*namespace))
	streams := imageinformers.NewSharedInformerFactory(images, 0)

	reactor := &triggerutil.AnnotationReactor{Updater: workloadWriter{kube}}
	source := func(group, resource string, informer cache.SharedIndexInformer) triggercontroller.TriggerSource {
		return triggercontroller.TriggerSource{
			Resource:  schema.GroupResource{Group: group, Resource: resource},
			Informer:  informer,
			Store:     informer.GetIndexer(),
			TriggerFn: triggerannotations.NewAnnotationTriggerIndexer,
			Reactor:   reactor,
		}
	}
	// The same four sources, in the same order, as RunImageTriggerController: no Jobs.
	sources := []triggercontroller.TriggerSource{
		source("apps", "deployments", workloads.Apps().V1().Deployments().Informer()),
		source("apps", "daemonsets", workloads.Apps().V1().DaemonSets().Informer()),
		source("apps", "statefulsets", workloads.Apps().V1().StatefulSets().Informer()),
		source("batch", "cronjobs", workloads.Batch().V1().CronJobs().Informer()),
	}

	stop := make(chan struct{})
	broadcaster := triggercontroller.NewTriggerEventBroadcaster(kube.CoreV1())
	controller := triggercontroller.NewTriggerController(*registry, broadcaster,
		streams.Image().V1().ImageStreams(), sources...)
	workloads.Start(stop)
	streams.Start(stop)
	go controller.Run(5, stop)

	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	<-signals
	close(stop)
	broadcaster.Shutdown()
}
