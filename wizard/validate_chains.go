package wizard

// Chains (step 2, CHAIN_SELECT) are the EVM networks the community's assets live on. The
// admin picks known ids (KnownChains); the manifest stores each with its EVM chain id so
// that later balance checks never guess the network.

import (
	"strconv"
	"strings"
)

// ValidateChains checks a chain selection: at least one, known ids only, none twice.
func ValidateChains(ids []string) Problems {
	var ps Problems
	switch {
	case len(ids) == 0:
		return Problems{problem("chains", "Chains", "select at least one chain")}
	case farBeyond(len(ids), len(KnownChains)):
		return Problems{problem("chains", "Chains", "there are only "+itoa(len(KnownChains))+" chains to choose from; select each at most once")}
	}
	seen := map[string]bool{}
	for i, id := range ids {
		path := indexPath("chains", i)
		if _, ok := LookupChain(id); !ok {
			ps = append(ps, problem(path, "Chains", "unknown chain "+quote(id)+"; choose one of "+knownChainList()))
			continue
		}
		if seen[id] {
			ps = append(ps, problem(path, "Chains", quote(id)+" is selected twice; select each chain once"))
		}
		seen[id] = true
	}
	return ps
}

// ChainsFor turns selected chain ids into manifest chains carrying their EVM chain ids,
// in the order given. Unknown ids are left out (ValidateChains reports them).
func ChainsFor(ids []string) []Chain {
	out := make([]Chain, 0, len(ids))
	for _, id := range ids {
		if c, ok := LookupChain(id); ok {
			out = append(out, Chain{ID: c.ID, ChainID: c.ChainID})
		}
	}
	return out
}

// chainIDs lists the ids of manifest chains.
func chainIDs(chains []Chain) []string {
	out := make([]string, len(chains))
	for i, c := range chains {
		out[i] = c.ID
	}
	return out
}

// validateManifestChains checks the manifest's chains: the selection rules plus each
// chain's EVM chain id matching the known one.
func validateManifestChains(chains []Chain) Problems {
	ps := ValidateChains(chainIDs(chains))
	for i, c := range chains {
		if k, ok := LookupChain(c.ID); ok && k.ChainID != c.ChainID {
			ps = append(ps, problem(indexPath("chains", i)+".chainId", "Chains",
				k.Name+" has EVM chain id "+itoa64(k.ChainID)+", not "+itoa64(c.ChainID)))
		}
	}
	return ps
}

func knownChainList() string {
	ids := make([]string, len(KnownChains))
	for i, c := range KnownChains {
		ids[i] = c.ID
	}
	return strings.Join(ids, ", ")
}

// quote shows an admin's value inside a message: Go-quoted so invisible characters show,
// and cut short so a pasted essay does not become the message.
func quote(s string) string {
	const max = 40
	if runeLen(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return strconv.Quote(s)
}
