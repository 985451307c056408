module mapbench/gopeer

go 1.19
