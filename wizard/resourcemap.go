package wizard

// ResourceMap records which Discord objects a deploy made or adopted for a manifest: the
// role id of each tier and the channel id of each manifest channel. Drift matches live
// objects by these ids and by explicit adoption only, never by name, so a role renamed in
// Discord is still the same role and a role that merely shares a name is never Arrakis's.
//
// Adopted marks the ids Arrakis adopted (the admin's own roles and channels) rather than
// created. Only created entries can ever be reported as extra or pruned. Records written
// before this field existed have no marks: their entries read as created, except the ids
// the deployed manifest adopted (drift checks that manifest too).
type ResourceMap struct {
	Roles    map[string]string `json:"roles"`             // tier id → role id
	Channels map[string]string `json:"channels"`          // channel key → channel id
	Adopted  map[string]bool   `json:"adopted,omitempty"` // Discord id → adopted, not created
}

// NewResourceMap returns an empty, ready-to-fill map.
func NewResourceMap() ResourceMap {
	return ResourceMap{Roles: map[string]string{}, Channels: map[string]string{}}
}

// IsAdopted reports whether id was adopted rather than created.
func (r ResourceMap) IsAdopted(id string) bool { return id != "" && r.Adopted[id] }

// MarkAdopted records that id was adopted.
func (r *ResourceMap) MarkAdopted(id string) {
	if id == "" {
		return
	}
	if r.Adopted == nil {
		r.Adopted = map[string]bool{}
	}
	r.Adopted[id] = true
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
	for id, a := range r.Adopted {
		if a {
			c.MarkAdopted(id)
		}
	}
	return c
}
