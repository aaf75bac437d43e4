// Package s2 holds the names of github.com/blevesearch/geo/s2 that Bleve
// refers to. Regions are empty and RegionTermIndexer produces no terms;
// CellID's methods are the S2 bit arithmetic, since that is cheap.
package s2

import "math/bits"

// MaxLevel is the level of the smallest cells.
const MaxLevel = 30

// CellID is a cell of the S2 hierarchy: face, position and level in 64
// bits, the level given by the lowest set bit.
type CellID uint64

// Level returns the level of ci, 0 to MaxLevel.
func (ci CellID) Level() int {
	return MaxLevel - bits.TrailingZeros64(uint64(ci))>>1
}

// Parent returns the cell that contains ci at level, which must be at most
// ci's.
func (ci CellID) Parent(level int) CellID {
	lsb := uint64(1) << uint(2*(MaxLevel-level))
	return CellID(uint64(ci)&-lsb | lsb)
}

// lsb returns the lowest set bit of ci, which says its level.
func (ci CellID) lsb() uint64 { return uint64(ci) & -uint64(ci) }

// RangeMin returns the smallest leaf cell in ci.
func (ci CellID) RangeMin() CellID { return CellID(uint64(ci) - (ci.lsb() - 1)) }

// RangeMax returns the largest leaf cell in ci.
func (ci CellID) RangeMax() CellID { return CellID(uint64(ci) + (ci.lsb() - 1)) }

// LatLng is a position; the shim keeps none.
type LatLng struct{}

// LatLngFromDegrees returns an empty LatLng.
func LatLngFromDegrees(lat, lng float64) LatLng { return LatLng{} }

// Point is a point on the sphere; the shim keeps none.
type Point struct{}

// PointFromLatLng returns an empty Point.
func PointFromLatLng(LatLng) Point { return Point{} }

// Region is an area a RegionTermIndexer covers with cells.
type Region interface {
	CapBound() Cap
}

// Cap is a spherical cap; the shim's is empty.
type Cap struct{}

// CapBound returns c.
func (c Cap) CapBound() Cap { return c }

// CapFromCenterAndRadius returns an empty Cap.
func CapFromCenterAndRadius(centerLat, centerLon, dist float64) Cap { return Cap{} }

// Rect is a latitude-longitude rectangle; the shim's is empty.
type Rect struct{}

// CapBound returns an empty Cap.
func (Rect) CapBound() Cap { return Cap{} }

// RectFromDegrees returns an empty Rect.
func RectFromDegrees(latLo, lngLo, latHi, lngHi float64) Rect { return Rect{} }

// Loop is a closed chain of points; the shim's is empty.
type Loop struct{}

// LoopFromPoints returns an empty Loop.
func LoopFromPoints([]Point) *Loop { return &Loop{} }

// Polygon is a set of loops; the shim's is empty.
type Polygon struct{}

// PolygonFromOrientedLoops returns an empty Polygon.
func PolygonFromOrientedLoops([]*Loop) *Polygon { return &Polygon{} }

// CapBound returns an empty Cap.
func (*Polygon) CapBound() Cap { return Cap{} }

// Options configures a RegionTermIndexer. The shim records them only.
type Options struct {
	maxLevel, minLevel, levelMod, maxCells int
	pointsOnly                             bool
}

// SetMaxLevel sets the finest level of the cells used.
func (o *Options) SetMaxLevel(n int) { o.maxLevel = n }

// SetMinLevel sets the coarsest level of the cells used.
func (o *Options) SetMinLevel(n int) { o.minLevel = n }

// SetLevelMod sets the step between the levels used.
func (o *Options) SetLevelMod(n int) { o.levelMod = n }

// SetMaxCells sets how many cells a covering may have.
func (o *Options) SetMaxCells(n int) { o.maxCells = n }

// SetPointsOnly says that only points are indexed.
func (o *Options) SetPointsOnly(b bool) { o.pointsOnly = b }

// RegionTermIndexer turns points and regions into index and query terms.
// The shim's produces none.
type RegionTermIndexer struct {
	options Options
}

// NewRegionTermIndexerWithOptions returns a RegionTermIndexer.
func NewRegionTermIndexerWithOptions(o Options) *RegionTermIndexer {
	return &RegionTermIndexer{options: o}
}

// GetIndexTermsForPoint returns no terms.
func (*RegionTermIndexer) GetIndexTermsForPoint(p Point, prefix string) []string { return nil }

// GetQueryTermsForRegion returns no terms.
func (*RegionTermIndexer) GetQueryTermsForRegion(r Region, prefix string) []string { return nil }

// GeoBufferPool is a pool of buffers for decoding shapes.
type GeoBufferPool struct{}

// NewGeoBufferPool returns a GeoBufferPool.
func NewGeoBufferPool(maxSize, minSize int) *GeoBufferPool { return &GeoBufferPool{} }
