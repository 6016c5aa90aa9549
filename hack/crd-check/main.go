// crd-check runs one Kubernetes minor's own apiextensions validation (the code kube-apiserver
// runs on create) over CustomResourceDefinition manifests, including the CEL cost estimate, so CI
// learns that a CRD is refused by an older or newer API server without starting one.
//
// Usage: crd-check FILE.yaml...   exit 1 and one line per error when a CRD is refused.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsinstall "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/install"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
)

func main() {
	scheme := runtime.NewScheme()
	apiextensionsinstall.Install(scheme)
	codecs := serializer.NewCodecFactory(scheme)
	failed := false
	for _, file := range os.Args[1:] {
		data, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		obj, _, err := codecs.UniversalDecoder(apiextensionsv1.SchemeGroupVersion).Decode(data, nil, nil)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			os.Exit(2)
		}
		v1crd, ok := obj.(*apiextensionsv1.CustomResourceDefinition)
		if !ok {
			fmt.Fprintf(os.Stderr, "%s: not a CustomResourceDefinition\n", file)
			os.Exit(2)
		}
		scheme.Default(v1crd)
		crd := &apiextensions.CustomResourceDefinition{}
		if err := scheme.Convert(v1crd, crd, nil); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			os.Exit(2)
		}
		errs := validation.ValidateCustomResourceDefinition(context.Background(), crd)
		for _, e := range errs {
			fmt.Printf("%s: %s\n", file, e.Error())
			failed = true
		}
		if len(errs) == 0 {
			fmt.Printf("%s: accepted by apiextensions-apiserver %s\n", file, apiextensionsVersion())
		}
	}
	if failed {
		os.Exit(1)
	}
}

// apiextensionsVersion is the k8s.io/apiextensions-apiserver module this binary was built with.
func apiextensionsVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, m := range info.Deps {
			if m.Path == "k8s.io/apiextensions-apiserver" {
				return m.Version
			}
		}
	}
	return "(unknown)"
}
