package config

import "github.com/bmatcuk/doublestar/v4"

// DefaultExclude returns the built-in exclusions: files that are never
// postmortems (READMEs, licences, contributing guides, security policies,
// codes of conduct, changelogs, templates), files and folders whose name
// starts with "_" or ".", and vendored trees. The configured exclude adds
// to them unless exclude_defaults is false.
func DefaultExclude() []string {
	return []string{
		"**/{README,Readme,readme}{,.*}",
		"**/{LICENSE,License,license,LICENCE,Licence,licence}{,.*}",
		"**/{CONTRIBUTING,Contributing,contributing}{,.*}",
		"**/{SECURITY,Security,security}{,.md,.txt}",
		"**/{CODE_OF_CONDUCT,Code_of_conduct,code_of_conduct,CODE-OF-CONDUCT,code-of-conduct}{,.*}",
		"**/{CHANGELOG,Changelog,changelog,CHANGES,HISTORY}{,.*}",
		"**/{template,Template,TEMPLATE}{,s}{,.*,[-_ ]*}", "**/*[-_.]{template,Template,TEMPLATE}{,.*}",
		"**/templates/**", "**/template/**", "**/Templates/**", "**/Template/**",
		"**/_*", "**/_*/**", "**/.*", "**/.*/**",
		"**/{node_modules,vendor,third_party,third-party,thirdparty,bower_components,jspm_packages,site-packages,venv,Pods,Carthage}/**",
	}
}

// Excluded reports whether an exclude glob matches a path.
func (c *Config) Excluded(rel string) bool {
	for _, g := range c.Exclude {
		if ok, _ := doublestar.Match(g, rel); ok {
			return true
		}
	}
	return false
}
