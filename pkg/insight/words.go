package insight

import (
	"strings"
	"unicode"
)

// stopwords are words too common in postmortems to say what two incidents
// share: English function words and the vocabulary of every incident.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`about above after again against also although among because been before
	being below between both cannot could did does doing done down during each either else even ever every
	from further had has have having here however into itself just least less made make many might more most
	much must neither never none once only other otherwise over own same should since some still such than
	that their them then there these they this those though through thus under until upon very was were what
	when where whether which while whom whose will with within without would your yours
	incident incidents outage issue issues problem problems caused cause causes causing team teams time times
	during because service services system systems user users customer customers contributing factor factors
	which while were that this what with when`) {
		m[w] = true
	}
	return m
}()

// words are the distinct words of text that may say what an incident was
// about: lower case, four letters or more, not a stop word, with a plural
// "s" taken off so that "timeouts" and "timeout" are one word ("ies"
// becomes "y": "retries" and "retry").
func words(text string, into map[string]bool) {
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	}) {
		w = strings.Trim(w, "-")
		if len(w) < 4 || stopwords[w] || strings.IndexFunc(w, unicode.IsLetter) < 0 {
			continue
		}
		switch {
		case len(w) > 4 && strings.HasSuffix(w, "ies"):
			w = w[:len(w)-3] + "y" // retries, retry
		case len(w) > 4 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
			w = w[:len(w)-1]
		}
		into[w] = true
	}
}
