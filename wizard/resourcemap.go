package wizard

// ResourceMap records which Discord objects a deploy made or adopted for a manifest: the
// role id of each tier and the channel id of each manifest channel. Drift matches live
// objects by these ids first and by name second, so a role renamed in Discord is still
// recognised as the same role.
type ResourceMap struct {
	Roles    map[string]string `json:"roles"`    // tier id → role id
	Channels map[string]string `json:"channels"` // channel key → channel id
}

// NewResourceMap returns an empty, ready-to-fill map.
func NewResourceMap() ResourceMap {
	return ResourceMap{Roles: map[string]string{}, Channels: map[string]string{}}
}

// Clone returns a deep copy.
func (r ResourceMap) Clone() ResourceMap {
	c := NewResourceMap()
	for k, v := range r.Roles {
		c.Roles[k] = v
	}
	for k, v := range r.Channels {
		c.Channels[k] = v
	}
	return c
}
