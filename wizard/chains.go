package wizard

// KnownChain is a chain the wizard offers.
type KnownChain struct {
	ID      string
	Name    string
	ChainID int64
}

// KnownChains lists the chains an admin can select, in the order they are offered.
var KnownChains = []KnownChain{
	{ID: "ethereum", Name: "Ethereum", ChainID: 1},
	{ID: "polygon", Name: "Polygon", ChainID: 137},
	{ID: "arbitrum", Name: "Arbitrum One", ChainID: 42161},
	{ID: "base", Name: "Base", ChainID: 8453},
	{ID: "berachain", Name: "Berachain", ChainID: 80094},
	{ID: "optimism", Name: "OP Mainnet", ChainID: 10},
}

// LookupChain returns the known chain with id.
func LookupChain(id string) (KnownChain, bool) {
	for _, c := range KnownChains {
		if c.ID == id {
			return c, true
		}
	}
	return KnownChain{}, false
}
