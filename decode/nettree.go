package decode

func (t *treeBuilder) frame()     {}
func (t *treeBuilder) link()      {}
func (t *treeBuilder) network()   {}
func (t *treeBuilder) transport() {}
func (t *treeBuilder) payload()   {}
