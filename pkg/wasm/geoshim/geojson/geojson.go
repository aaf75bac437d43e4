// Package geojson holds the names of github.com/blevesearch/geo/geojson
// that Bleve refers to. Parsing and decoding fail with ErrUnsupported;
// constructors that cannot fail return shapes that intersect and contain
// nothing and cover no cells.
package geojson

import (
	"bytes"
	"errors"
	"slices"

	index "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/geo/s2"
)

// ErrUnsupported is returned by everything that would need geometry.
var ErrUnsupported = errors.New("geo shapes are not part of the inquest wasm runtime")

// Shape types, as GeoJSON spells them in lower case.
const (
	PointType              = "point"
	MultiPointType         = "multipoint"
	LineStringType         = "linestring"
	MultiLineStringType    = "multilinestring"
	PolygonType            = "polygon"
	MultiPolygonType       = "multipolygon"
	GeometryCollectionType = "geometrycollection"
	CircleType             = "circle"
	EnvelopeType           = "envelope"
)

// GeoShape is a shape as a document or query gives it.
type GeoShape struct {
	Type        string
	Coordinates [][][][]float64
	Radius      string
	Center      []float64
}

// shape is every shape of the shim.
type shape struct {
	typ string
}

// Type returns the shape's type.
func (s shape) Type() string { return s.typ }

// Intersects returns ErrUnsupported.
func (shape) Intersects(index.GeoJSON) (bool, error) { return false, ErrUnsupported }

// Contains returns ErrUnsupported.
func (shape) Contains(index.GeoJSON) (bool, error) { return false, ErrUnsupported }

// Value returns ErrUnsupported.
func (shape) Value() ([]byte, error) { return nil, ErrUnsupported }

// IndexCells returns no cells.
func (shape) IndexCells() (inner, cross []uint64) { return nil, nil }

// QueryCells returns no cells.
func (shape) QueryCells() (inner, cross []uint64) { return nil, nil }

// BoundingBox returns nil.
func (shape) BoundingBox() index.GeoJSON { return nil }

// Envelope is a bounding box.
type Envelope struct{ shape }

// Marshal returns ErrUnsupported.
func (*Envelope) Marshal() ([]byte, error) { return nil, ErrUnsupported }

// GeometryCollection is a set of shapes.
type GeometryCollection struct {
	shape
	Shapes []index.GeoJSON
}

// Circle is a point and a radius.
type Circle struct{ shape }

// NewGeoJsonPoint returns an empty point.
func NewGeoJsonPoint([]float64) index.GeoJSON { return &shape{PointType} }

// NewGeoJsonMultiPoint returns an empty multipoint.
func NewGeoJsonMultiPoint([][]float64) index.GeoJSON { return &shape{MultiPointType} }

// NewGeoJsonLinestring returns an empty linestring.
func NewGeoJsonLinestring([][]float64) index.GeoJSON { return &shape{LineStringType} }

// NewGeoJsonMultilinestring returns an empty multilinestring.
func NewGeoJsonMultilinestring([][][]float64) index.GeoJSON {
	return &shape{MultiLineStringType}
}

// NewGeoJsonPolygon returns an empty polygon.
func NewGeoJsonPolygon([][][]float64) index.GeoJSON { return &shape{PolygonType} }

// NewGeoJsonMultiPolygon returns an empty multipolygon.
func NewGeoJsonMultiPolygon([][][][]float64) index.GeoJSON { return &shape{MultiPolygonType} }

// NewGeoCircle returns an empty circle.
func NewGeoCircle(points []float64, radius string) index.GeoJSON {
	return &Circle{shape{CircleType}}
}

// NewGeoEnvelope returns an empty envelope.
func NewGeoEnvelope([][]float64) index.GeoJSON { return &Envelope{shape{EnvelopeType}} }

// NewGeoJsonShape returns ErrUnsupported.
func NewGeoJsonShape(coordinates [][][][]float64, typ string) (index.GeoJSON, []byte, error) {
	return nil, nil, ErrUnsupported
}

// NewGeometryCollection returns ErrUnsupported.
func NewGeometryCollection([]*GeoShape) (index.GeoJSON, []byte, error) {
	return nil, nil, ErrUnsupported
}

// NewGeoCircleShape returns ErrUnsupported.
func NewGeoCircleShape(cp []float64, radius string) (*Circle, []byte, error) {
	return nil, nil, ErrUnsupported
}

// ParseGeoJSONShape returns ErrUnsupported.
func ParseGeoJSONShape([]byte) (index.GeoJSON, error) { return nil, ErrUnsupported }

// ExtractShapesFromBytes returns ErrUnsupported.
func ExtractShapesFromBytes([]byte, **bytes.Reader, *s2.GeoBufferPool) (index.GeoJSON, error) {
	return nil, ErrUnsupported
}

// FilterGeoShapesOnRelation returns ErrUnsupported.
func FilterGeoShapesOnRelation(shape index.GeoJSON, targetShapeBytes []byte,
	relation string, reader **bytes.Reader, bufPool *s2.GeoBufferPool) (bool, error) {
	return false, ErrUnsupported
}

// DeduplicateTerms returns terms without repeats, sorted.
func DeduplicateTerms(terms []string) []string {
	terms = slices.Clone(terms)
	slices.Sort(terms)
	return slices.Compact(terms)
}

// StripCoveringTerms returns terms: the shim's indexers mark none as
// covering.
func StripCoveringTerms(terms []string) []string { return terms }
