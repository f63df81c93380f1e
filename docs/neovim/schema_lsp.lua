-- schema-lsp for Neovim 0.7 and later, with no plugin: put this file in
-- ~/.config/nvim/plugin/ (or `dofile` it from init.lua). Every Python buffer inside a
-- project (the nearest pyproject.toml, else the nearest .git, else the file's folder)
-- gets one schema-lsp client per project root. tests/test_neovim.py loads this very file.

local cmd = { 'schema-lsp', 'serve' } -- or { '/path/to/venv/bin/schema-lsp', 'serve' }
-- The keys of README.md's "Language server" section, camelCase. "env:NAME": the server
-- reads the URL from its environment (Neovim's), so no password is written here. Without
-- $DATABASE_URL, database_url in [tool.schema-lsp] (pyproject.toml) or
-- $SCHEMA_LSP_DATABASE_URL applies; an editor setting wins over both.
local options = {
  databaseUrl = os.getenv('DATABASE_URL') and 'env:DATABASE_URL' or nil,
}

local function root_of(path)
  local folder = vim.fn.fnamemodify(path, ':p:h')
  for _, marker in ipairs({ 'pyproject.toml', '.git' }) do
    local found = vim.fn.findfile(marker, folder .. ';')
    if found == '' then
      found = vim.fn.finddir(marker, folder .. ';')
    end
    if found ~= '' then
      return (vim.fn.fnamemodify(found, ':p:h'):gsub('/%.git$', ''))
    end
  end
  return folder
end

local clients = {} -- project root -> client id (Neovim 0.7 only; vim.lsp.start reuses)

local function attach(args)
  local path = vim.api.nvim_buf_get_name(args.buf)
  if path == '' or vim.bo[args.buf].buftype ~= '' then
    return
  end
  local root = root_of(path)
  local config = {
    name = 'schema_lsp',
    cmd = cmd,
    root_dir = root,
    -- Neovim 0.7 neither answers workspace/configuration nor sends settings, so the
    -- options also go as initializationOptions (the bare object, no schemaLsp key).
    init_options = options,
    settings = { schemaLsp = options },
  }
  if vim.lsp.start then -- Neovim 0.8+
    vim.lsp.start(config, { bufnr = args.buf })
    return
  end
  local id = clients[root]
  if id == nil or vim.lsp.get_client_by_id(id) == nil then
    id = vim.lsp.start_client(config)
    clients[root] = id
  end
  if id then
    vim.lsp.buf_attach_client(args.buf, id)
  end
end

vim.api.nvim_create_autocmd('FileType', {
  group = vim.api.nvim_create_augroup('schema_lsp', { clear = true }),
  pattern = 'python',
  callback = attach,
})
