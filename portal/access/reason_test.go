package access

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"testing"
)

// TestReasonsListsEveryReason keeps Reasons complete, since the screens' "every reason is explained"
// test walks it: every constant of type Reason declared in this package must be in it.
func TestReasonsListsEveryReason(t *testing.T) {
	pkgs, err := parser.ParseDir(token.NewFileSet(), ".", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for _, f := range pkgs["access"].Files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Reason" {
					continue
				}
				for i, name := range vs.Names {
					declared++
					lit := vs.Values[i].(*ast.BasicLit).Value
					if !slices.Contains(Reasons, Reason(lit[1:len(lit)-1])) {
						t.Errorf("%s is not in Reasons", name.Name)
					}
				}
			}
		}
	}
	if declared != len(Reasons) {
		t.Errorf("%d reasons declared, %d listed", declared, len(Reasons))
	}
}
