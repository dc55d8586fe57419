package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"

	"go.uber.org/zap"
)

// pageNames are the templates, each templates/<name>.html inside templates/layout.html.
var pageNames = []string{"refusal", "signin", "drift", "history", "diff", "manifest"}

type pageTemplates struct{ byName map[string]*template.Template }

func parseTemplates() (*pageTemplates, error) {
	p := &pageTemplates{byName: map[string]*template.Template{}}
	for _, name := range pageNames {
		t, err := template.New("layout.html").ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// render writes a page. It renders into a buffer first, so a template error is a clean 500
// rather than half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, data page) {
	var buf bytes.Buffer
	if err := s.pages.byName[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.cfg.Log.Error("web: render a page", zap.String("page", name), zap.Error(err))
		http.Error(w, "Something went wrong on our side, and it was logged. Try again in a minute.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
